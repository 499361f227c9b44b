"""mclint: find where Kubernetes manifests are tied to one cloud provider, and score portability."""

__version__ = "0.1.0"
