"""Employment stage: offers, placements, further study, retention checks and household status of graduates."""
