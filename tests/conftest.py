import sys
from pathlib import Path

# Lets test modules import the shared helpers in this folder (casedata) by name.
sys.path.insert(0, str(Path(__file__).parent))
