"""Shared pygame runtime for every finemotor activity: loop, input, scenes, UI kit, sound."""
