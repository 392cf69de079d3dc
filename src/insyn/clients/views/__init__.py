"""Pages of the clients domain, split by sub-domain (clients, cases, providers)."""
