"""The dashboard (Wagtail's admin) as each blogger's own: the tenant guard, what a blogger
may see, whose blog a page is about, who is staff, and the editor's image uploads."""
