"""The HTTP side: routes translate requests into commands and rows into response models, nothing more."""
