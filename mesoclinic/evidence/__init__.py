"""The evidence report: does it work, for what, how much, how safe — and is it the diet?"""
