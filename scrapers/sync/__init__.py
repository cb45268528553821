"""The pipeline of a sync run: plan, lock, visit through the fetcher, record link health."""
