using System;
using System.Text;
using NumKit.Demo.Commands;

// α, Δ and ⌊⌋ appear in the tables: make sure every console shows them.
Console.OutputEncoding = Encoding.UTF8;
return DemoCommandLine.Run(args, Console.Out, Console.Error);
