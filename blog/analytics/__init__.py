"""Counting reads without cookies or scripts, and the figures bloggers and staff see."""
