/* Which of a fixed set of short ASCII literals a file's text holds (mclint/rules/present.py), in C:
 * one pass over the text, looking each position's first two characters up in a table, instead of
 * one substring search per literal (51 of them for the shipped rules).
 *
 * Only texts whose characters all fit in one byte (ASCII and Latin-1, nearly every manifest) are
 * read here; for any other the answer is None and the caller searches in Python. An ASCII literal
 * is found in such a text exactly where str's `in` finds it: each character is one byte.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define TABLE_SIZE 65536

/* Mark in `found` each literal of the buckets `table` names that starts at some position of `text`. */
static int scan(PyObject *text, const unsigned char *table, PyObject *buckets, char *found) {
    const unsigned char *data = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    Py_ssize_t bucket_count = PyTuple_GET_SIZE(buckets);
    for (Py_ssize_t i = 0; i + 1 < length; i++) {
        unsigned char bucket = table[(data[i] << 8) | data[i + 1]];
        if (bucket == 0)
            continue;
        if (bucket > bucket_count)
            return -1;
        PyObject *members = PyTuple_GET_ITEM(buckets, bucket - 1);
        for (Py_ssize_t m = 0; m < PyTuple_GET_SIZE(members); m += 2) {
            Py_ssize_t index = PyLong_AsSsize_t(PyTuple_GET_ITEM(members, m));
            PyObject *literal = PyTuple_GET_ITEM(members, m + 1);
            Py_ssize_t size = PyBytes_GET_SIZE(literal);
            if (index < 0)
                return -1;
            if (!found[index] && size <= length - i && memcmp(data + i, PyBytes_AS_STRING(literal), size) == 0)
                found[index] = 1;
        }
    }
    return 0;
}

static int one_byte(PyObject *text) {
    return PyUnicode_CheckExact(text) && PyUnicode_READY(text) == 0 && PyUnicode_KIND(text) == PyUnicode_1BYTE_KIND;
}

static PyObject *present(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "present() takes 6 arguments");
        return NULL;
    }
    PyObject *plain_table = args[0], *folded_table = args[1], *buckets = args[2], *plain = args[4], *lowered = args[5];
    Py_ssize_t count = PyLong_AsSsize_t(args[3]);
    if (count < 0 && PyErr_Occurred())
        return NULL;
    if (!PyBytes_CheckExact(plain_table) || PyBytes_GET_SIZE(plain_table) != TABLE_SIZE ||
        !PyBytes_CheckExact(folded_table) || PyBytes_GET_SIZE(folded_table) != TABLE_SIZE ||
        !PyTuple_CheckExact(buckets) || count < 0) {
        PyErr_SetString(PyExc_TypeError, "present(): not a table made by mclint.rules.present");
        return NULL;
    }
    for (Py_ssize_t b = 0; b < PyTuple_GET_SIZE(buckets); b++) {
        PyObject *members = PyTuple_GET_ITEM(buckets, b);
        if (!PyTuple_CheckExact(members) || PyTuple_GET_SIZE(members) % 2)
            goto bad_table;
        for (Py_ssize_t m = 0; m < PyTuple_GET_SIZE(members); m += 2) {
            PyObject *index = PyTuple_GET_ITEM(members, m);
            if (!PyLong_CheckExact(index) || !PyBytes_CheckExact(PyTuple_GET_ITEM(members, m + 1)))
                goto bad_table;
            Py_ssize_t value = PyLong_AsSsize_t(index);
            if (value < 0 || value >= count) {
                PyErr_Clear();
                goto bad_table;
            }
        }
    }
    if (!one_byte(plain) || !one_byte(lowered)) {
        if (PyErr_Occurred())
            return NULL;
        Py_RETURN_NONE;
    }
    char *found = PyMem_Calloc(count ? count : 1, 1);
    if (found == NULL)
        return PyErr_NoMemory();
    PyObject *result = NULL;
    if (scan(plain, (const unsigned char *)PyBytes_AS_STRING(plain_table), buckets, found) < 0 ||
        scan(lowered, (const unsigned char *)PyBytes_AS_STRING(folded_table), buckets, found) < 0) {
        PyErr_SetString(PyExc_ValueError, "present(): a table names a bucket it does not hold");
        goto done;
    }
    result = PyList_New(0);
    for (Py_ssize_t i = 0; result != NULL && i < count; i++) {
        if (!found[i])
            continue;
        PyObject *index = PyLong_FromSsize_t(i);
        if (index == NULL || PyList_Append(result, index) < 0)
            Py_CLEAR(result);
        Py_XDECREF(index);
    }
done:
    PyMem_Free(found);
    return result;
bad_table:
    PyErr_SetString(PyExc_TypeError, "present(): not a table made by mclint.rules.present");
    return NULL;
}

static PyMethodDef methods[] = {
    {"present", (PyCFunction)(void (*)(void))present, METH_FASTCALL,
     "present(plain_table, folded_table, buckets, count, plain, lowered): mclint.rules.present.Present, "
     "in C; None for a text with a character past one byte."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, .m_name = "_cliterals", .m_size = -1, .m_methods = methods,
};

PyMODINIT_FUNC PyInit__cliterals(void) { return PyModule_Create(&module); }
