"""The batched training engine: many small networks trained as one computation."""
