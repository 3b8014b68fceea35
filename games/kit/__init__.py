"""The activity kit: what every activity is built from (pictures, the Activity contract, the
trial scene base, staircase, progress, set picker, rewards, movement measures).

An activity's own folder holds only what is that activity; anything two activities need lives
here once. Importing this package is light: each module imports what it needs.
"""
