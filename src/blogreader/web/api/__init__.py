"""The Google Reader API (the dialect FreshRSS and Miniflux serve), for reader apps: routes by noun."""
