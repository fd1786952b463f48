"""GET /approvals/{token} (the review page) and POST /approvals/{token} (the decision)."""
