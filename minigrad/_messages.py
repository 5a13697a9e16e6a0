"""PyTorch's messages, word for word, for the errors and warnings of minigrad's core.

A learner who meets these sentences here meets them again in PyTorch. They live in one place so that the
files a learner reads (tensor.py, autograd/function.py, autograd/engine.py, ...) say what is checked, not how
PyTorch words it. Plain texts are constants; texts with blanks are functions.
"""

# ---- saved tensors and the version counter (autograd/function.py) ----
SAVED_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have already "
    "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). "
    "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access "
    "saved tensors after calling backward.")
VERSION_HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
                "torch.autograd.set_detect_anomaly(True, check_nan=False).")
ANOMALY_VERSION_HINT = ("Hint: the backtrace further above shows the operation that failed to compute its gradient. "
                        "The variable in question was changed in there or anywhere later. Good luck!")
INFERENCE_SAVE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use it in "
    "autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.")


def modified_inplace(tensor_desc, whose_output, current, expected):
    """The version-counter error: a tensor saved for backward was changed in place since."""
    return (f"one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"[{tensor_desc}]{whose_output} is at version {current}; expected version {expected} instead. "
            + VERSION_HINT)


def save_non_tensor(index, type_name):
    return f"save_for_backward can only save variables, but argument {index} is of type {type_name}"


def wrong_gradient_count(node_name, expected, got):
    return f"function {node_name} returned an incorrect number of gradients (expected {expected}, got {got})"


def function_instantiated(cls):
    return (f"{cls} should not be instantiated. Methods on autograd functions are all static, so you should invoke "
            "them on the class itself. Instantiating an autograd function will raise an error in a future version "
            "of PyTorch.")


LEGACY_FUNCTION_CALL = (
    "Legacy autograd function with non-static forward method is deprecated. Please use new-style autograd function "
    "with static forward method. (Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")
NO_FORWARD = "You must implement the forward function for custom autograd.Function."
NO_BACKWARD = ("You must implement either the backward or vjp method for your custom autograd.Function to use it "
               "with backward mode AD.")
NO_JVP = "You must implement the jvp function for custom autograd.Function to use it with forward mode AD."
LEAF_DIRTY = "a leaf Variable that requires grad has been used in an in-place operation."


def no_derivative(op):
    """backward through an op PyTorch has no derivative for (floor_divide, remainder by a tensor, bincount)."""
    return f"derivative for {op} is not implemented"


def no_forward_ad(op):
    """A built-in op without a derivative (floor_divide, remainder by a tensor) under forward AD."""
    return f"Trying to use forward AD with {op} that does not support it."


# ---- the backward pass (autograd/engine.py, autograd/anomaly_mode.py) ----
def invalid_gradient(node_name, index, got, expected):
    return (f"Function {node_name} returned an invalid gradient at index {index} - got {list(got)} but expected "
            f"shape compatible with {list(expected)}")


def hook_changed_size(hook_name):
    return f"hook '{hook_name}' has changed the size of value"


def nan_in_gradient(node_name, index):
    return f"Function '{node_name}' returned nan values in its {index}th output."


ANOMALY_ENABLED = ("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                   "enabled for debugging.")


def anomaly_forward_trace(node_name, trace):
    return (f"Error detected in {node_name}. Traceback of forward call that caused the error:\n{trace} (Triggered "
            "internally at /__w/pytorch/pytorch/torch/csrc/autograd/python_anomaly_mode.cpp:122.)")


# Warnings PyTorch gives once per process (TORCH_WARN_ONCE); the "(Triggered internally at ...)" tail is part of the
# text a learner sees, as in PyTorch's warnings raised from C++
SCALAR_REQUIRES_GRAD = (
    "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\nConsider using "
    "tensor.detach() first. (Triggered internally at "
    "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)")
BACKWARD_CREATE_GRAPH = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient "
    "which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you "
    "have to use this function, make sure to reset the .grad fields of your parameters to None after use to break "
    "the cycle and avoid the leak. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)")


# ---- operands ----
def broadcast_mismatch(shape_a, shape_b):
    """Two shapes that do not broadcast: PyTorch names the first dim (from the right) where they clash."""
    n = max(len(shape_a), len(shape_b))
    for i in range(1, n + 1):
        sa = shape_a[-i] if i <= len(shape_a) else 1
        sb = shape_b[-i] if i <= len(shape_b) else 1
        if sa != sb and sa != 1 and sb != 1:
            return (f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at non-singleton "
                    f"dimension {n - i}")
    return f"shapes {list(shape_a)} and {list(shape_b)} cannot be broadcast together"


# ---- Tensor's autograd attributes and in-place checks (tensor.py) ----
NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, "
    "use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the "
    "leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at "
    "/__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)")
LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_INPLACE = "a view of a leaf Variable that requires grad is being used in an in-place operation."
REQUIRES_GRAD_NON_LEAF = "you can only change requires_grad flags of leaf variables."
REQUIRES_GRAD_NON_LEAF_HINT = (" If you want to use a computed variable in a subgraph that doesn't require "
                               "differentiation use var_no_grad = var.detach().")
REQUIRES_GRAD_NOT_FLOAT = "only Tensors of floating point and complex dtype can require gradients"
REQUIRES_GRAD__NOT_FLOAT = "only Tensors of floating point dtype can require gradients"  # requires_grad_() says it so
REQUIRES_GRAD_INFERENCE = "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."
RETAIN_GRAD_NO_GRAD = "can't retain_grad on Tensor that has requires_grad=False"
HOOK_NO_GRAD = "cannot register a hook on a tensor that doesn't require gradient"
POST_ACCUMULATE_HOOK_NON_LEAF = "post accumulate grad hooks cannot be registered on non-leaf tensors"
NUMPY_REQUIRES_GRAD = "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
DETACH_VIEW_INPLACE = (
    "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, "
    "and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be "
    "called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in "
    "torch/optim/optimizer.py as the solution.")
INFERENCE_INPLACE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal "
    "tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.")
WRITE_TO_SHARED_ELEMENTS = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory location. "
    "Please clone() the tensor before performing the operation.")
PARTIAL_OVERLAP = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory "
    "location. Please clone() the tensor before performing the operation.")


def grad_not_a_tensor(type_name):
    return f"assigned grad expected to be a Tensor or None but got grad of type {type_name}"


def grad_wrong_size(got, expected):
    return (f"attempting to assign a gradient of size '{list(got)}' to a tensor of size '{list(expected)}'. Please "
            "ensure that the gradient and the tensor are the same size")


def grad_wrong_dtype(got_c_name, expected_short):
    return (f"attempting to assign a gradient with dtype '{got_c_name}' to a tensor with grad_dtype "
            f"'{expected_short}'. The gradient must match the tensor's grad_dtype (defaults to the tensor's dtype). "
            "You can set the tensor's grad_dtype attribute with a specific dtype, or None to allow any dtype. Set "
            "grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may break downstream systems "
            "that assume they match.")


# ---- views changed in place (autograd/views.py) ----
_VIEW_ADVICE_BOTH_INSIDE = (
    " Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving "
    "both the view and the inplace either both inside the {block} block (if you don't want the inplace to be tracked) "
    "or both outside (if you want the inplace to be tracked).")
VIEW_ADVICE = {
    "no_grad": _VIEW_ADVICE_BOTH_INSIDE.format(block="no_grad"),
    "inference": _VIEW_ADVICE_BOTH_INSIDE.format(block="inference_mode"),
    "several": (" This view is the output of a function that returns multiple views. Such functions do not allow the "
                "output views to be modified inplace. You should replace the inplace operation by an out-of-place "
                "one."),
}


def view_modified_inplace(creation, node_op, output_nr, indirect):
    """A view autograd cannot follow through an in-place change (see views.check_view_rebase)."""
    modified = "its base or another view of its base has been" if indirect else "is being"
    if node_op is not None:
        message = f"Output {output_nr} of {node_op} is a view and {modified} modified inplace."
    elif creation == "inference":
        message = f"A view was created in inference mode and {modified} modified inplace in normal mode."
    else:
        message = f"A view was created in no_grad mode and {modified} modified inplace with grad mode enabled."
    return message + VIEW_ADVICE[creation]


# ---- shape ops (ops/shape.py) ----
def permute_wrong_length(ndim, given):
    # PyTorch's dense permute reports through the sparse kernel's check, hence "sparse_coo"
    return (f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired "
            f"ordering of dimensions i.e. input.dim() = {ndim} is not equal to len(dims) = {given}")


VIEW_NOT_POSSIBLE = ("view size is not compatible with input tensor's size and stride (at least one dimension spans "
                     "across two contiguous subspaces). Use .reshape(...) instead.")


# ---- index_put_ (tensor.py) ----
INDEX_PUT_EXPANDED = (
    "Use of index_put_ on expanded tensors is deprecated. Please clone() the tensor before performing this operation. "
    "This also applies to advanced indexing e.g. tensor[indices] = tensor (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:976.)")
MASKED_FILL_EXPANDED = (
    "Use of masked_fill_ on expanded tensors is deprecated. Please clone() the tensor before performing this "
    "operation. This also applies to advanced indexing e.g. tensor[mask] = scalar (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:2450.)")


def index_put_argument(name, argument, position, expected, value):
    return f"{name}(): argument '{argument}' (position {position}) must be {expected}, not {type(value).__name__}"


def expected_tensor_element(index, argument, value):
    return f"expected Tensor as element {index} in argument {argument}, but got {type(value).__name__}"


def index_put_dtypes(destination, source):
    return (f"Index put requires the source and destination dtypes match, got {destination} for the destination and "
            f"{source} for the source.")
