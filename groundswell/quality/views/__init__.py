"""Quality pages, one module per part: reviews (and disputes, root causes), setup, coaching."""
