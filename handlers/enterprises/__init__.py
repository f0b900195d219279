"""Enterprises (seed 004 §七): one row per credit code, added from the business registry (已核验) or entered by
hand (未核验) and corrected until a registry confirms it, kept in each institution's list by a link, with their
contacts. The registry itself is behind `ports.BusinessRegistry`."""
