"""Board builds: the core wrapped for a real card, with its vendor project generated here."""
