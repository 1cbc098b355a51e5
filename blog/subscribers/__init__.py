"""Email subscribers of a blog: double opt-in, the new-post mail, and their listing."""
