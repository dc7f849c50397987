module dev.udsproxy/examples/go

go 1.22
