"""Daily-routine picture sequencing activity (joins in a later issue)."""
