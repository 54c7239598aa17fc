"""Forming diverse learning sets: the Maximally Diverse Grouping Problem with hard rules."""

from .solver import VERSION, Infeasible, Problem, Solution, check, objective, solve

__all__ = ["VERSION", "Infeasible", "Problem", "Solution", "check", "objective", "solve"]
