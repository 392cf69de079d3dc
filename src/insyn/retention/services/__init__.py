"""Every write of the retention app: rules and holds (rules.py), the job (run.py) and the one
call into the audit trail's purge hatch (audit_trail.py)."""
