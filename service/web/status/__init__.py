"""``/status``: the server-rendered page of link health, sync runs, findings and reviews."""
