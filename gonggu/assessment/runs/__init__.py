"""Fixed data (固定相关数据): freezing the registered figures into an assessment run, viewing, exporting and
comparing runs. `freeze` writes a run, `compare` explains the difference of two runs, `views` serves both."""
