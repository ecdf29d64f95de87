"""Platen: an open-source order hub for print-on-demand."""
