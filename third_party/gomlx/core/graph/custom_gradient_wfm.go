package graph

// wfm patch: a custom gradient for any node, not only for an Identity
// (IdentityWithCustomGradient), so that a library can give the nodes it builds their own
// reverse-mode rule without replacing the process-wide VJPRegistration of their type.

// SetCustomGradient makes vjp the reverse-mode gradient of node n, in place of the one
// registered for its type in VJPRegistration; it affects only n (and its clones). vjp receives
// n, the adjoints of n's outputs and n's output shape, and returns one adjoint per input of n
// (nil for an input that gets no gradient). Call it right after building n, before any
// gradient through n is taken.
func (n *Node) SetCustomGradient(vjp VJP) {
	n.AssertValid()
	n.customVJP = vjp
}
