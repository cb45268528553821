"""What admin mutations need before they write: authentication and input checks."""
