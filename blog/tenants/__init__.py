"""What makes a blog a tenant (its page, Site, group and collection, created and deleted
as one), the host router, custom domains, and the shared cache of Site lookups."""
