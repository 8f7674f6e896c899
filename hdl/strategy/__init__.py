"""Strategy triggers: take and pairs, per subscribed stock, from the book builder's records."""
