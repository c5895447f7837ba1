"""The HTTP surfaces: one blueprint per surface, wired by service.create_app."""
