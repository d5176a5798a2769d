"""Domain rules written once, in plain Python (no Django), at the bottom of the import table: any app may import
them, `identity` included."""
