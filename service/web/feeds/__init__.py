"""Feeds people subscribe to: deadlines as iCalendar, catalogue changes as Atom."""
