"""Published outputs of the collection: readme, digest, Atom feed and static site."""
