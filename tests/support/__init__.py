"""Harnesses (real servers, the browser, checkers) and helpers shared by the tests."""
