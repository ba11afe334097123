"""Rule modules: one per rule, ``<code>_<name>.py``; the registry finds them."""
