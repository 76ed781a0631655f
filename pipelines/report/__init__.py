"""`riskproof report`: one self-contained HTML file of the runs in the lake."""
