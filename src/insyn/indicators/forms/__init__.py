"""Forms of the indicators pages (one module per area)."""
