"""What readers get on a blog host: the post index, feeds, sitemap and robots.txt, Bear's
directives, themes, the icon and upvotes."""
