"""The order-book builder: exact books of subscribed stocks from the feed handler's events."""
