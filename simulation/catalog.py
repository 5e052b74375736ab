"""Names the scenarios draw on: programmes, majors and modules (from seeds 000 and 001)."""

from __future__ import annotations

CUISINE = "Cantonese Cuisine Masters"
TECHNICIANS = "Guangdong Technicians"
FAMILY = "Southern Guangdong Family Services"
BIG_DATA = "Big Data Industry College"

MAJORS: dict[str, tuple[str, ...]] = {
    CUISINE: ("Cantonese cooking", "Dim sum making", "Cantonese roast meats"),
    TECHNICIANS: (
        "Electronic assembly",
        "Electrical automation",
        "Mechatronics",
        "Automotive maintenance",
        "Rail transit operations",
        "Welding",
        "Logistics management",
        "Hotel services",
        "Industrial robot operation",
    ),
    FAMILY: ("Elderly care", "Infant care", "Domestic services"),
    BIG_DATA: ("Big data technology and applications", "Internet of things applications", "Cloud computing"),
}

# (module, taught by): school staff teach theory, enterprise staff teach practice.
MODULES: dict[str, tuple[tuple[str, str], ...]] = {
    CUISINE: (
        ("Food safety and hygiene", "school"),
        ("Cantonese cuisine theory", "school"),
        ("Dim sum kitchen practice", "enterprise"),
        ("Banquet kitchen practice", "enterprise"),
    ),
    TECHNICIANS: (
        ("Technical drawing", "school"),
        ("Electrical fundamentals", "school"),
        ("Production line practice", "enterprise"),
        ("Equipment maintenance on site", "enterprise"),
    ),
    FAMILY: (
        ("Care theory", "school"),
        ("Nutrition and health", "school"),
        ("Home service practice", "enterprise"),
        ("Care home placement", "enterprise"),
    ),
    BIG_DATA: (
        ("Programming fundamentals", "school"),
        ("Databases", "school"),
        ("Big data platform projects", "enterprise"),
        ("Cloud computing practice", "enterprise"),
    ),
}
