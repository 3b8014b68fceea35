"""The finemotor activities and the composition root: CLI, launcher and activity registry."""
