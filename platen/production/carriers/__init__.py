"""Tracking sources (aggregators that post webhooks) and carrier clients (APIs Platen polls), one module each,
all behind the one interface in base.py; what their statuses mean for Platen is in mapping.py."""
