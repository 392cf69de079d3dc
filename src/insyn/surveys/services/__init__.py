"""Every write of the surveys app: questionnaires, responses, invitations, messages."""
