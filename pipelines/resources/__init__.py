"""Resources: the seams between the pure pipeline and the world (files, warehouse, sources)."""
