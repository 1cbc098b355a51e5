"""Staff moderation of whole blogs: flags, the spam score, the review queue, the Blogs
listing and upvote removal."""
