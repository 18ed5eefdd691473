"""Scoring: analysis (Kiwi + normalisation), match statistics, and a pure aggregate.

Import the pieces from their modules; importing this package loads neither Kiwi nor numpy.
"""
