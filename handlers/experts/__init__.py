"""Experts (seed 004 §六): one profile per person however many institutions maintain them, one link per
institution; research fields and region, research results and technical solutions, follow-ups on a link, and
the Excel import (`expert_import`)."""
