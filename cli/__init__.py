"""The `cycle` command for operators: the stack (shared/cli.py) plus the product's jobs, composed here so that
`shared` never imports a service."""
