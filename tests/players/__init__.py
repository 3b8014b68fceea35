"""Scripted players for the activity contract test: ``players/<activity id>.py`` has
``play_one_trial(app, hand)``, which plays one trial to its end from the scene
``ACTIVITY.make_scene`` returned (already on the stack) through the real input code."""
