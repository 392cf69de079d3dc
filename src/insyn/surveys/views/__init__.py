"""Views of the surveys app: staff pages by sub-domain, and the public answer page."""
