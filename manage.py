#!/usr/bin/env python
from gonggu.cli import main

if __name__ == "__main__":
    main()
