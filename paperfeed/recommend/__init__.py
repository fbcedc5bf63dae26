"""Recommendations: one small model per reader, learnt from their own signals, with reasons."""
