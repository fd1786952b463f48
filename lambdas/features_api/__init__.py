"""GET /features/{id}: the five features of a user's latest loan (online store)."""
